// Wiping of network input buffers. Lines that carry LOGIN, PASS or AUTH arguments pass
// through these buffers, so they are overwritten before their memory is reused or freed.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace skrynka::net {

// Overwrites size octets at data with zeros in a way the compiler cannot drop.
void wipe_bytes(void* data, std::size_t size);

// Overwrites the octets of text, then empties it. Octets past size() are never
// written by these functions, so together with append_wiping they stay clean.
void wipe_string(std::string& text);

// Appends piece to text. When text must grow, the old allocation is overwritten before
// it is freed, which plain append would not do.
void append_wiping(std::string& text, std::string_view piece);

} // namespace skrynka::net
