// Placeholder translation unit until the first storage module lands.
