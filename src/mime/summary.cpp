#include "src/mime/summary.hpp"

namespace skrynka::mime {

const std::string* body_part::find_parameter(std::string_view name) const {
    for (const parameter& entry : parameters_) {
        if (entry.name_ == name) {
            return &entry.value_;
        }
    }
    return nullptr;
}

} // namespace skrynka::mime
