/// A throwaway PKI for the TLS tests, generated once with openssl (EC P-256, valid until 2126):
/// no secret of any real cluster.
enum TLSFixtures {
    /// The test CA: signs the server and client certificates.
    static let ca = """
        -----BEGIN CERTIFICATE-----
        MIIBmzCCAUGgAwIBAgIUW2tW1OV39eb19M570uGhGLXZgCEwCgYIKoZIzj0EAwIw
        GjEYMBYGA1UEAwwPc3dpZnRsYi10ZXN0LWNhMCAXDTI2MTIwNjIyMjQyOVoYDzIx
        MjYxMTEyMjIyNDI5WjAaMRgwFgYDVQQDDA9zd2lmdGxiLXRlc3QtY2EwWTATBgcq
        hkjOPQIBBggqhkjOPQMBBwNCAASGqoDMSAnvit8Cq0SpTawgol+3rVXSIBNz4TzT
        ws940p19SPBVkmwIuJqV1LJ8WNqDH5Zwx1jrunQp0SwKNmabo2MwYTAdBgNVHQ4E
        FgQU7Sv7tUeWJFifcgtIlvIYrss+Ax8wHwYDVR0jBBgwFoAU7Sv7tUeWJFifcgtI
        lvIYrss+Ax8wDwYDVR0TAQH/BAUwAwEB/zAOBgNVHQ8BAf8EBAMCAQYwCgYIKoZI
        zj0EAwIDSAAwRQIgKm6t3jngVWs5VhWYDrtvogCaqMiiGLrtAnfzrRJ0oXYCIQCo
        ub78HyVtEsQkkPcV0t2DPcQv4Wt0+E4IXgz9nghBUQ==
        -----END CERTIFICATE-----
        """

    /// The API server's certificate: 127.0.0.1 and localhost.
    static let serverCertificate = """
        -----BEGIN CERTIFICATE-----
        MIIBtDCCAVugAwIBAgIUJNETAMfp6MmWg6dfw0isdwavLJIwCgYIKoZIzj0EAwIw
        GjEYMBYGA1UEAwwPc3dpZnRsYi10ZXN0LWNhMCAXDTI2MTIwNjIyMjQyOVoYDzIx
        MjYxMTEyMjIyNDI5WjAZMRcwFQYDVQQDDA5rdWJlLWFwaXNlcnZlcjBZMBMGByqG
        SM49AgEGCCqGSM49AwEHA0IABJc0v5VAikIt6Jo4hXeW0xBkItkpVa2/7ilmoZjW
        /qLkvnpzz/8sg6b1SsZRVGEHhTS+z/9B+4FaW2YdKChMP9SjfjB8MBoGA1UdEQQT
        MBGHBH8AAAGCCWxvY2FsaG9zdDATBgNVHSUEDDAKBggrBgEFBQcDATAJBgNVHRME
        AjAAMB0GA1UdDgQWBBT2PIuYkNJvvJCXDud1y6u2JTONSzAfBgNVHSMEGDAWgBTt
        K/u1R5YkWJ9yC0iW8hiuyz4DHzAKBggqhkjOPQQDAgNHADBEAiAemoDnti+Q/5Df
        Dpl4SXptiM/n9aocTjNp80q8kw952gIgdxBrjvC9FRkTzsyg7iCRfuScIE1qH6zo
        dx7q6ZC1Uw4=
        -----END CERTIFICATE-----
        """

    /// Its key.
    static let serverKey = """
        -----BEGIN PRIVATE KEY-----
        MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgPjXoPDkpLmZCr/KQ
        5nyLmayDqV3oZPf3LRyj0NLL+C6hRANCAASXNL+VQIpCLeiaOIV3ltMQZCLZKVWt
        v+4pZqGY1v6i5L56c8//LIOm9UrGUVRhB4U0vs//QfuBWltmHSgoTD/U
        -----END PRIVATE KEY-----
        """

    /// A client certificate (CN=swiftlb-kube), signed by the CA.
    static let clientCertificate = """
        -----BEGIN CERTIFICATE-----
        MIIBsDCCAVagAwIBAgIUJNETAMfp6MmWg6dfw0isdwavLJMwCgYIKoZIzj0EAwIw
        GjEYMBYGA1UEAwwPc3dpZnRsYi10ZXN0LWNhMCAXDTI2MTIwNjIyMjQyOVoYDzIx
        MjYxMTEyMjIyNDI5WjAwMRUwEwYDVQQDDAxzd2lmdGxiLWt1YmUxFzAVBgNVBAoM
        DnN5c3RlbTptYXN0ZXJzMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAESiUjHvlm
        FHdcg/DO5pUbLCrXCbh+UKs19XxVZpUhEAJdBsCjbEB6L/OwyvHD3UoJahjWOHBv
        j3SY3ZbE88ldF6NiMGAwEwYDVR0lBAwwCgYIKwYBBQUHAwIwCQYDVR0TBAIwADAd
        BgNVHQ4EFgQUqlNR7mvBqvM4Swo7hwTIf7pCw3gwHwYDVR0jBBgwFoAU7Sv7tUeW
        JFifcgtIlvIYrss+Ax8wCgYIKoZIzj0EAwIDSAAwRQIgEYXL42OxbKuA89rH/iCg
        k79FV1zfg4J+guiYwvtMSi8CIQCLBXNjWq7eFiwMoO4ZJTfcrlWOkB7+2TrNfvFl
        Anw7ow==
        -----END CERTIFICATE-----
        """

    /// Its key.
    static let clientKey = """
        -----BEGIN PRIVATE KEY-----
        MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgEcCP8pHBzzBvpadL
        YzHHi6c/doMsmBIus5YsMow4f/ShRANCAARKJSMe+WYUd1yD8M7mlRssKtcJuH5Q
        qzX1fFVmlSEQAl0GwKNsQHov87DK8cPdSglqGNY4cG+PdJjdlsTzyV0X
        -----END PRIVATE KEY-----
        """

    /// An unrelated CA, which must not be trusted for the server.
    static let otherCA = """
        -----BEGIN CERTIFICATE-----
        MIIBfDCCASOgAwIBAgIUVm6tL69NHFLjN/MIpqk3ljmJeTIwCgYIKoZIzj0EAwIw
        EzERMA8GA1UEAwwIb3RoZXItY2EwIBcNMjYxMjA2MjIyNDI5WhgPMjEyNjExMTIy
        MjI0MjlaMBMxETAPBgNVBAMMCG90aGVyLWNhMFkwEwYHKoZIzj0CAQYIKoZIzj0D
        AQcDQgAEQ0e8hmy8bReo5j+hZx1Vt75mU7phkYdf+HD8Wc5OS8+mz7W3+I8waRdq
        biI2zquo6rrgdv0tDMlWqIbHhjxAtqNTMFEwHQYDVR0OBBYEFO5305vCSFWI7wXS
        OVH84/PCs88pMB8GA1UdIwQYMBaAFO5305vCSFWI7wXSOVH84/PCs88pMA8GA1Ud
        EwEB/wQFMAMBAf8wCgYIKoZIzj0EAwIDRwAwRAIgOvHSN50svuSMPuDC5MMravfT
        PTy43qaFfpM4utst6T0CIGHG+qo/A415JUAewhoudd1hnMhOB/m7FUTrtrAFEfQ5
        -----END CERTIFICATE-----
        """
}
