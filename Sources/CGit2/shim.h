#include <git2.h>
// git_repository_set_config: a ref update that writes no reflog line (see RefUpdate.swift).
#include <git2/sys/repository.h>
