/// The hooks, templates and helper scripts shipped inside the binary (generated from Hooks/, Templates/ and
/// Helpers/ at build time).
public enum Resources {
    public static func file(_ key: String) -> String? { EmbeddedResources.files[key] }
    public static var keys: [String] { EmbeddedResources.files.keys.sorted() }
}
