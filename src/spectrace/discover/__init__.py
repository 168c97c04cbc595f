"""Repository → test files, source modules and components, statically."""
