// A main() for fuzz targets built without libFuzzer: runs LLVMFuzzerTestOneInput once
// on every file named on the command line or found in a folder named there.
// Exits 0 when all inputs ran, 1 when a path cannot be read; a failing input aborts.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

namespace {

bool replay_file(const std::filesystem::path& path) {
    std::ifstream file(path, std::ios::binary);
    if (!file) {
        std::fprintf(stderr, "replay: cannot read %s\n", path.c_str());
        return false;
    }
    const std::vector<char> bytes((std::istreambuf_iterator<char>(file)),
                                  std::istreambuf_iterator<char>());
    LLVMFuzzerTestOneInput(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size());
    return true;
}

} // namespace

int main(int argc, char** argv) {
    std::size_t replayed = 0;
    for (int i = 1; i < argc; ++i) {
        const std::filesystem::path path = argv[i];
        std::error_code error;
        if (!std::filesystem::is_directory(path, error)) {
            if (!replay_file(path)) {
                return 1;
            }
            ++replayed;
            continue;
        }
        for (const auto& entry : std::filesystem::recursive_directory_iterator(path)) {
            if (entry.is_regular_file()) {
                if (!replay_file(entry.path())) {
                    return 1;
                }
                ++replayed;
            }
        }
    }
    std::printf("replay: %zu inputs ran without a failure\n", replayed);
    return replayed == 0 ? 1 : 0;
}
