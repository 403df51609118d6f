import SwiftLBKube
import Testing

@Suite struct ObjectKeyTests {
    @Test func describesAsNamespaceSlashName() {
        #expect(ObjectKey(namespace: "default", name: "web").description == "default/web")
    }
}
