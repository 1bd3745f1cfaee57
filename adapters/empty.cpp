// Placeholder translation unit for adapter libraries that have no sources yet.
