"""What proves and ships a build: the leak audit (its evidence read from the sources, never from the plan), the decoders, and the install of audited trees into dist/."""
