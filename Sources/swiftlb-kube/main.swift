// Placeholder entry until the controller lands in this session: prints what it will be.
print("swiftlb-kube: the Kubernetes controller of SwiftLB (under construction, issue 15)")
