// Placeholder translation unit until the MIME parser lands.
