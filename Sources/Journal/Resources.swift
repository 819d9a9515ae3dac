/// The hooks and templates shipped inside the binary (generated from Hooks/ and Templates/ at build time).
public enum Resources {
    public static func file(_ key: String) -> String? { EmbeddedResources.files[key] }
    public static var keys: [String] { EmbeddedResources.files.keys.sorted() }
}
