"""Reading a project once into typed models: the program, the pages of every version (worktree, git ref or snapshot), locales."""
