import Logging

extension RuleStore {
    /// Creates an empty store for a datapath of `capacity` (the daemon's sizing flags): service ids
    /// stay below `capacity.maxServices` and match keys within `capacity.serviceKeys`.
    public init(config: any ConfigStore, datapath: any Datapath, logger: Logger, capacity: DatapathCapacity) {
        self.init(
            config: config, datapath: datapath, logger: logger, maxServices: capacity.maxServices,
            maxEndpoints: Limits.maxEndpointsPerService)
    }
}
