// The config store writes every created rule's entry: with `PlainJSONWriter` instead of
// JSONEncoder, which was most of a create's encoding cost. Same bytes, same key order: the
// golden tests in LoxiJSONTests and the equivalence tests compare the two.

extension LoadBalancerEntry {
    func writePlain(to writer: inout PlainJSONWriter) throws(OutsidePlainJSON) {
        writer.beginObject()
        writer.key("allowedSources")
        writer.beginArray()
        for source in allowedSources {
            writer.beginObject()
            writer.key("prefix")
            try writer.string(source.prefix)
            writer.endObject()
        }
        writer.endArray()
        writer.key("endpoints")
        writer.beginArray()
        for endpoint in endpoints { try endpoint.writePlain(to: &writer) }
        writer.endArray()
        writer.key("secondaryIPs")
        writer.beginArray()
        for secondary in secondaryIPs {
            writer.beginObject()
            writer.key("secondaryIP")
            try writer.string(secondary.secondaryIP)
            writer.endObject()
        }
        writer.endArray()
        writer.key("serviceArguments")
        try serviceArguments.writePlain(to: &writer)
        writer.endObject()
    }
}

extension LBEndpoint {
    func writePlain(to writer: inout PlainJSONWriter) throws(OutsidePlainJSON) {
        writer.beginObject()
        writer.key("counter")
        try writer.string(counter)
        writer.key("endpointIP")
        try writer.string(endpointIP)
        if !srv6Segments.isEmpty {
            writer.key("srv6Segments")
            writer.beginArray()
            for segment in srv6Segments { try writer.string(segment) }
            writer.endArray()
        }
        writer.key("state")
        try writer.string(state)
        writer.key("targetPort")
        writer.integer(targetPort)
        writer.key("weight")
        writer.integer(weight)
        writer.endObject()
    }
}

extension ServiceArguments {
    // Keys in JSONEncoder's sorted order (byte order: upper case before lower case).
    func writePlain(to writer: inout PlainJSONWriter) throws(OutsidePlainJSON) {
        writer.beginObject()
        writer.key("bgp")
        writer.bool(bgp)
        writer.key("block")
        writer.integer(block)
        writer.key("egress")
        writer.bool(egress)
        writer.key("externalIP")
        try writer.string(externalIP)
        writer.key("host")
        try writer.string(host)
        writer.key("inactiveTimeOut")
        writer.integer(inactiveTimeOut)
        writer.key("managed")
        writer.bool(managed)
        writer.key("mode")
        writer.integer(mode)
        writer.key("monitor")
        writer.bool(monitor)
        writer.key("name")
        try writer.string(name)
        writer.key("oper")
        writer.integer(oper)
        writer.key("port")
        writer.integer(port)
        writer.key("portMax")
        writer.integer(portMax)
        writer.key("privateIP")
        try writer.string(privateIP)
        writer.key("probeRetries")
        writer.integer(probeRetries)
        writer.key("probeTimeout")
        writer.integer(probeTimeout)
        writer.key("probeport")
        writer.integer(probeport)
        writer.key("probereq")
        try writer.string(probereq)
        writer.key("proberesp")
        try writer.string(proberesp)
        writer.key("probetype")
        try writer.string(probetype)
        writer.key("protocol")
        try writer.string(`protocol`)
        writer.key("proxyprotocolv2")
        writer.bool(proxyprotocolv2)
        writer.key("security")
        writer.integer(security)
        writer.key("sel")
        writer.integer(sel)
        writer.key("snat")
        writer.bool(snat)
        if !snatSources.isEmpty {
            writer.key("snatSources")
            try writer.string(snatSources)
        }
        if !srv6Sid.isEmpty {
            writer.key("srv6Sid")
            try writer.string(srv6Sid)
        }
        writer.endObject()
    }
}
