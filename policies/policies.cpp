// Placeholder translation unit until the first policy module lands.
