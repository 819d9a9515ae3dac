#include <git2.h>
// git_repository_set_config: a ref update that writes no reflog line (see RefUpdate.swift).
#include <git2/sys/repository.h>
// git_libgit2_opts is variadic, which Swift cannot call: one option, wrapped.
static inline int perfjournal_git_set_strict_hash_verification(int enabled) {
    return git_libgit2_opts(GIT_OPT_ENABLE_STRICT_HASH_VERIFICATION, enabled);
}
