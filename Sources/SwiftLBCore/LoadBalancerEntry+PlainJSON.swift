// The shortcut for the API's hottest body: a create request read without `Decodable`, which costs
// most of a create's decoding time. It reads exactly what `init(from:)` reads: keys matched
// ASCII-case-insensitively, unknown keys skipped, missing or `null` fields zero. Whatever it is
// unsure of (a key sent twice in two spellings, escapes, non-ASCII, floats) it leaves to
// `JSONDecoder`, so results and errors stay those of the `Decodable` path.

extension LoadBalancerEntry {
    private static let fields = CodingKeys.allCases
    private static let keys = fields.map { FoldedKey($0.rawValue) }

    init(plain scanner: inout PlainJSONScanner) throws(OutsidePlainJSON) {
        self.init()
        var seen = FieldsSeen()
        try scanner.object { (scanner, key) throws(OutsidePlainJSON) in
            guard let position = try seen.field(key, among: Self.keys) else { return try scanner.skipValue() }
            let field = Self.fields[position]
            switch field {
            case .serviceArguments: serviceArguments = try ServiceArguments(plain: &scanner)
            case .endpoints:
                try scanner.array { (scanner) throws(OutsidePlainJSON) in
                    endpoints.append(try LBEndpoint(plain: &scanner))
                }
            case .secondaryIPs:
                try scanner.array { (scanner) throws(OutsidePlainJSON) in
                    secondaryIPs.append(try SecondaryIP(plain: &scanner))
                }
            case .allowedSources:
                try scanner.array { (scanner) throws(OutsidePlainJSON) in
                    allowedSources.append(try AllowedSource(plain: &scanner))
                }
            }
        }
    }
}

extension ServiceArguments {
    private static let fields = CodingKeys.allCases
    private static let keys = fields.map { FoldedKey($0.rawValue) }

    init(plain scanner: inout PlainJSONScanner) throws(OutsidePlainJSON) {
        self.init()
        var seen = FieldsSeen()
        try scanner.object { (scanner, key) throws(OutsidePlainJSON) in
            guard let position = try seen.field(key, among: Self.keys) else { return try scanner.skipValue() }
            let field = Self.fields[position]
            try read(field, from: &scanner)
        }
    }

    private mutating func read(_ field: CodingKeys, from scanner: inout PlainJSONScanner) throws(OutsidePlainJSON) {
        switch field {
        case .externalIP: externalIP = try scanner.string()
        case .privateIP: privateIP = try scanner.string()
        case .port: port = try scanner.integer()
        case .portMax: portMax = try scanner.integer()
        case .protocol: `protocol` = try scanner.string()
        case .sel: sel = try scanner.integer()
        case .mode: mode = try scanner.integer()
        case .bgp: bgp = try scanner.bool()
        case .monitor: monitor = try scanner.bool()
        case .probetype: probetype = try scanner.string()
        case .probeport: probeport = try scanner.integer()
        case .probereq: probereq = try scanner.string()
        case .proberesp: proberesp = try scanner.string()
        case .probeTimeout: probeTimeout = try scanner.integer()
        case .probeRetries: probeRetries = try scanner.integer()
        case .inactiveTimeOut: inactiveTimeOut = try scanner.integer()
        case .name: name = try scanner.string()
        case .snat: snat = try scanner.bool()
        case .managed: managed = try scanner.bool()
        case .security: security = try scanner.integer()
        case .block: block = try scanner.integer()
        case .oper: oper = try scanner.integer()
        case .host: host = try scanner.string()
        case .proxyprotocolv2: proxyprotocolv2 = try scanner.bool()
        case .egress: egress = try scanner.bool()
        case .snatSources: snatSources = try scanner.string()
        case .srv6Sid: srv6Sid = try scanner.string()
        }
    }
}

extension LBEndpoint {
    private static let fields = CodingKeys.allCases
    private static let keys = fields.map { FoldedKey($0.rawValue) }

    init(plain scanner: inout PlainJSONScanner) throws(OutsidePlainJSON) {
        self.init()
        var seen = FieldsSeen()
        try scanner.object { (scanner, key) throws(OutsidePlainJSON) in
            guard let position = try seen.field(key, among: Self.keys) else { return try scanner.skipValue() }
            let field = Self.fields[position]
            switch field {
            case .endpointIP: endpointIP = try scanner.string()
            case .targetPort: targetPort = try scanner.integer()
            case .weight: weight = try scanner.integer()
            case .state: state = try scanner.string()
            case .counter: counter = try scanner.string()
            case .srv6Segments:
                try scanner.array { (scanner) throws(OutsidePlainJSON) in
                    srv6Segments.append(try scanner.string())
                }
            }
        }
    }
}

extension SecondaryIP {
    private static let keys = [FoldedKey(CodingKeys.secondaryIP.rawValue)]

    init(plain scanner: inout PlainJSONScanner) throws(OutsidePlainJSON) {
        self.init()
        var seen = FieldsSeen()
        try scanner.object { (scanner, key) throws(OutsidePlainJSON) in
            guard try seen.field(key, among: Self.keys) != nil else { return try scanner.skipValue() }
            secondaryIP = try scanner.string()
        }
    }
}

extension AllowedSource {
    private static let keys = [FoldedKey(CodingKeys.prefix.rawValue)]

    init(plain scanner: inout PlainJSONScanner) throws(OutsidePlainJSON) {
        self.init()
        var seen = FieldsSeen()
        try scanner.object { (scanner, key) throws(OutsidePlainJSON) in
            guard try seen.field(key, among: Self.keys) != nil else { return try scanner.skipValue() }
            prefix = try scanner.string()
        }
    }
}

/// The fields of one object already read: a second spelling of a field (`port` and `Port`) is
/// left to `JSONDecoder`, whose choice among them is the API's.
struct FieldsSeen {
    private var mask: UInt64 = 0

    /// The position in `names` of the field `key` names, or nil for an unknown key; throws when
    /// that field was already read.
    mutating func field(_ key: UnsafeRawBufferPointer, among names: [FoldedKey]) throws(OutsidePlainJSON) -> Int? {
        guard let position = names.firstIndex(where: { $0.matches(key) }) else { return nil }
        let bit: UInt64 = 1 << UInt64(position)
        guard mask & bit == 0 else { throw OutsidePlainJSON() }
        mask |= bit
        return position
    }
}
