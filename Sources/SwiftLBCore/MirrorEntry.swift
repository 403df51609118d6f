/// Where a loxilb mirror sends its copies (`mirrorInfo`): `type` 0 SPAN (to `port`), 1 RSPAN (to
/// `port`, tagged `vlan`), 2 ERSPAN (encapsulated from `sourceIP` to `remoteIP`, session `tunnelID`).
public struct MirrorInfo: Codable, Sendable, Hashable {
    /// 0 SPAN, 1 RSPAN, 2 ERSPAN (loxilb's MirrTypeSpan, MirrTypeRspan, MirrTypeErspan).
    public var type: Int
    /// The interface copies leave by (SPAN, RSPAN).
    public var port: String
    /// The VLAN tag of RSPAN copies.
    public var vlan: Int
    /// The ERSPAN collector.
    public var remoteIP: String
    /// The ERSPAN tunnel's local address.
    public var sourceIP: String
    /// The ERSPAN session id.
    public var tunnelID: Int

    /// Creates mirror info; every field defaults to its Go zero value.
    public init(
        type: Int = 0, port: String = "", vlan: Int = 0, remoteIP: String = "", sourceIP: String = "",
        tunnelID: Int = 0
    ) {
        self.type = type
        self.port = port
        self.vlan = vlan
        self.remoteIP = remoteIP
        self.sourceIP = sourceIP
        self.tunnelID = tunnelID
    }

    enum CodingKeys: String, CodingKey {
        case type, port, vlan, remoteIP, sourceIP, tunnelID
    }

    /// Decodes Go-style: keys case-insensitive, unknown keys ignored, missing or `null` fields zero.
    public init(from decoder: any Decoder) throws {
        let object = try GoStyleContainer<CodingKeys>(decoder)
        type = try object.decode(.type)
        port = try object.decode(.port)
        vlan = try object.decode(.vlan)
        remoteIP = try object.decode(.remoteIP)
        sourceIP = try object.decode(.sourceIP)
        tunnelID = try object.decode(.tunnelID)
    }
}

extension MirrorInfo: GoZeroValue {
    static var goZero: MirrorInfo { MirrorInfo() }
}

/// What a loxilb mirror copies (`targetObject`): `attachment` 1 a port's incoming packets, 2 an LB
/// rule's flows; `mirrObjName` names the port, or the rule (its `name`, or "vip:port/proto").
public struct MirrorTargetObject: Codable, Sendable, Hashable {
    /// 1 port, 2 LB rule (loxilb's MirrAttachPort, MirrAttachRule).
    public var attachment: Int
    /// The port's or the rule's name.
    public var mirrObjName: String

    /// Creates a target.
    public init(attachment: Int = 0, mirrObjName: String = "") {
        self.attachment = attachment
        self.mirrObjName = mirrObjName
    }

    enum CodingKeys: String, CodingKey {
        case attachment, mirrObjName
    }

    /// Decodes Go-style.
    public init(from decoder: any Decoder) throws {
        let object = try GoStyleContainer<CodingKeys>(decoder)
        attachment = try object.decode(.attachment)
        mirrObjName = try object.decode(.mirrObjName)
    }
}

extension MirrorTargetObject: GoZeroValue {
    static var goZero: MirrorTargetObject { MirrorTargetObject() }
}

/// One loxilb mirror: the body of `POST /netlox/v1/config/mirror` and an element of
/// `GET /config/mirror/all`'s `mirrAttr`. `sync` (0 in the datapath, 1 waiting for its port,
/// rule or tunnel) and SwiftLB's `counter` ("packets:bytes" of copies sent) and `failures`
/// (copies the kernel refused) are filled in answers only.
public struct MirrorEntry: Codable, Sendable, Hashable {
    /// The mirror's name.
    public var mirrorIdent: String
    /// Where copies go.
    public var mirrorInfo: MirrorInfo
    /// What is copied.
    public var targetObject: MirrorTargetObject
    /// 0: installed; 1: waiting (answers only).
    public var sync: Int?
    /// "packets:bytes" of copies sent (answers only).
    public var counter: String?
    /// Copies the kernel refused (answers only).
    public var failures: Int?

    /// Creates an entry.
    public init(
        mirrorIdent: String = "", mirrorInfo: MirrorInfo = .init(), targetObject: MirrorTargetObject = .init(),
        sync: Int? = nil, counter: String? = nil, failures: Int? = nil
    ) {
        self.mirrorIdent = mirrorIdent
        self.mirrorInfo = mirrorInfo
        self.targetObject = targetObject
        self.sync = sync
        self.counter = counter
        self.failures = failures
    }

    enum CodingKeys: String, CodingKey {
        case mirrorIdent, mirrorInfo, targetObject, sync, counter, failures
    }

    /// Decodes Go-style. The answer-only fields are read too (a GET's answer), but nothing that
    /// stores or sends a mirror keeps them: see `configuration`.
    public init(from decoder: any Decoder) throws {
        let object = try GoStyleContainer<CodingKeys>(decoder)
        mirrorIdent = try object.decode(.mirrorIdent)
        mirrorInfo = try object.decode(.mirrorInfo)
        targetObject = try object.decode(.targetObject)
        sync = try object.decode(.sync) as Int
        let counter: String = try object.decode(.counter)
        self.counter = counter.isEmpty ? nil : counter
        failures = try object.decode(.failures) as Int
    }

    /// The entry without its answer-only fields (what is stored and compared).
    public var configuration: MirrorEntry {
        MirrorEntry(mirrorIdent: mirrorIdent, mirrorInfo: mirrorInfo, targetObject: targetObject)
    }
}

/// The body of `GET /netlox/v1/config/mirror/all`: `{"mirrAttr": [...]}`.
public struct MirrorList: Codable, Sendable, Hashable {
    /// The mirrors, by name.
    public var mirrAttr: [MirrorEntry]

    /// Wraps a list of mirrors.
    public init(mirrAttr: [MirrorEntry] = []) {
        self.mirrAttr = mirrAttr
    }

    enum CodingKeys: String, CodingKey {
        case mirrAttr
    }

    /// Decodes Go-style.
    public init(from decoder: any Decoder) throws {
        let object = try GoStyleContainer<CodingKeys>(decoder)
        mirrAttr = try object.decode(.mirrAttr)
    }
}

extension MirrorEntry: GoZeroValue {
    static var goZero: MirrorEntry { MirrorEntry() }
}
