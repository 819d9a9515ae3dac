import CGit2

extension Repository {
    /// A config value as git would read it (all levels), or nil when unset.
    public func configString(_ key: String) throws -> String? {
        var config: OpaquePointer?
        try check("open config", git_repository_config_snapshot(&config, pointer))
        defer { git_config_free(config) }
        var value: UnsafePointer<CChar>?
        let code = git_config_get_string(&value, config, key)
        if code == GIT_ENOTFOUND.rawValue { return nil }
        try check("read config \(key)", code)
        return value.map { String(cString: $0) }
    }

    /// Every value of a multi-valued key, in order.
    public func configValues(_ key: String) throws -> [String] {
        var config: OpaquePointer?
        try check("open config", git_repository_config_snapshot(&config, pointer))
        defer { git_config_free(config) }
        final class Box { var values: [String] = [] }
        let box = Box()
        let code = withExtendedLifetime(box) {
            git_config_get_multivar_foreach(
                config, key, nil,
                { entry, payload in
                    let box = Unmanaged<Box>.fromOpaque(payload!).takeUnretainedValue()
                    if let v = entry?.pointee.value { box.values.append(String(cString: v)) }
                    return 0
                }, Unmanaged.passUnretained(box).toOpaque())
        }
        if code == GIT_ENOTFOUND.rawValue { return [] }
        try check("read config \(key)", code)
        return box.values
    }

    /// Sets a key in the repository's own config (.git/config).
    public func setLocalConfig(_ key: String, _ value: String) throws {
        try withLocalConfig { try check("set config \(key)", git_config_set_string($0, key, value)) }
    }

    /// Adds a value to a multi-valued key in .git/config unless it is already there.
    public func addLocalConfigValue(_ key: String, _ value: String) throws {
        if try configValues(key).contains(value) { return }
        try withLocalConfig { config in
            // The regexp matches nothing, so libgit2 appends a new value instead of replacing one.
            try check("add config \(key)", git_config_set_multivar(config, key, "^$^", value))
        }
    }

    private func withLocalConfig(_ body: (OpaquePointer?) throws -> Void) throws {
        var all: OpaquePointer?
        try check("open config", git_repository_config(&all, pointer))
        defer { git_config_free(all) }
        var local: OpaquePointer?
        try check("open .git/config", git_config_open_level(&local, all, GIT_CONFIG_LEVEL_LOCAL))
        defer { git_config_free(local) }
        try body(local)
    }
}
