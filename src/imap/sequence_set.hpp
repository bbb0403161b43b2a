// IMAP sequence sets (RFC 3501 section 9, "sequence-set"), for message sequence numbers
// and for UIDs alike.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

namespace skrynka::imap {

// A parsed sequence set. '*' is kept symbolic because its value (the highest sequence
// number or UID) is known only when the set is applied to a mailbox.
class sequence_set {
  public:
    static constexpr std::uint32_t star = 0; // never a valid number, so free for '*'

    struct range {
        std::uint32_t first = 1; // as written; either end may be star
        std::uint32_t last = 1;
    };

    // Parses "1,3:5,7:*". Returns nullopt for an empty set, a zero, a number above
    // 4294967295, or any other character.
    static std::optional<sequence_set> parse(std::string_view text);

    // True when value is in the set once '*' stands for star_value. A range is taken
    // low to high whichever way it is written, so "5:*" contains star_value even when
    // star_value is below 5 (RFC 3501 section 6.4.8).
    bool contains(std::uint32_t value, std::uint32_t star_value) const;

    const std::vector<range>& ranges() const { return ranges_; }

  private:
    std::vector<range> ranges_;
};

} // namespace skrynka::imap
