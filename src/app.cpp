// Placeholder translation unit until the CLI lands.
