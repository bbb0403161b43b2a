// See wipe.hpp. explicit_bzero (glibc 2.25) is a store the optimiser must keep even
// when the memory is about to be freed.
#include "src/net/wipe.hpp"

#include <algorithm>

#include <string.h>

namespace skrynka::net {

void wipe_bytes(void* data, std::size_t size) {
    if (size > 0) {
        explicit_bzero(data, size);
    }
}

void wipe_string(std::string& text) {
    wipe_bytes(text.data(), text.size());
    text.clear();
}

void append_wiping(std::string& text, std::string_view piece) {
    const std::size_t needed = text.size() + piece.size();
    if (needed > text.capacity()) {
        std::string grown;
        grown.reserve(std::max(needed, 2 * text.capacity()));
        grown.append(text);
        wipe_string(text);
        text.swap(grown);
    }
    text.append(piece);
}

} // namespace skrynka::net
