#include "src/archive/export_sink.hpp"

#include "crypto/error.hpp"
#include "crypto/passphrase_stream.hpp"

#include <array>
#include <cerrno>
#include <fcntl.h>
#include <fmt/format.h>
#include <fstream>
#include <optional>
#include <stdexcept>
#include <sys/stat.h>
#include <system_error>
#include <unistd.h>
#include <vector>

namespace skrynka::archive {

namespace {

constexpr std::size_t max_data_record = 64 * 1024;

[[noreturn]] void fail_errno(std::string_view action, const std::filesystem::path& path) {
    const int error = errno;
    throw std::system_error(error, std::generic_category(),
                            fmt::format("failed to {} {}", action, path.string()));
}

// Creates a new file for writing with mode 0600, refusing an existing one.
int create_file(const std::filesystem::path& path) {
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0) {
        if (errno == EEXIST) {
            throw std::runtime_error(fmt::format(
                "{} already exists; the export never overwrites, so choose a new path",
                path.string()));
        }
        fail_errno("create", path);
    }
    // The umask can only remove bits, but set the mode explicitly anyway.
    if (::fchmod(fd, 0600) != 0) {
        ::close(fd);
        fail_errno("set the mode of", path);
    }
    return fd;
}

void write_all(int fd, const void* data, std::size_t size, const std::filesystem::path& path) {
    const auto* bytes = static_cast<const char*>(data);
    while (size > 0) {
        const ssize_t written = ::write(fd, bytes, size);
        if (written < 0) {
            if (errno == EINTR) {
                continue;
            }
            fail_errno("write", path);
        }
        bytes += written;
        size -= static_cast<std::size_t>(written);
    }
}

void make_private_directory(const std::filesystem::path& path) {
    if (::mkdir(path.c_str(), 0700) != 0) {
        if (errno == EEXIST) {
            throw std::runtime_error(fmt::format(
                "{} already exists; the export never overwrites, so choose a new path",
                path.string()));
        }
        fail_errno("create the directory", path);
    }
    if (::chmod(path.c_str(), 0700) != 0) {
        fail_errno("set the mode of", path);
    }
}

class directory_sink : public export_sink {
  public:
    explicit directory_sink(std::filesystem::path root) : root_(std::move(root)) {
        make_private_directory(root_);
    }

    ~directory_sink() override {
        if (fd_ >= 0) {
            ::close(fd_);
        }
        if (!finished_) {
            std::error_code ignored;
            std::filesystem::remove_all(root_, ignored);
        }
    }

    void make_directory(std::string_view path) override {
        check_relative_path(path);
        make_private_directory(root_ / path);
    }

    void begin_file(std::string_view path, std::int64_t modification_time) override {
        check_relative_path(path);
        if (fd_ >= 0) {
            throw std::logic_error("begin_file while another file is open");
        }
        file_ = root_ / path;
        fd_ = create_file(file_);
        modification_time_ = modification_time;
    }

    void write(std::string_view bytes) override {
        write_all(fd_, bytes.data(), bytes.size(), file_);
    }

    void end_file() override {
        const std::array<timespec, 2> times{timespec{modification_time_, 0},
                                            timespec{modification_time_, 0}};
        if (::futimens(fd_, times.data()) != 0) {
            fail_errno("set the modification time of", file_);
        }
        const int fd = fd_;
        fd_ = -1;
        if (::close(fd) != 0) {
            fail_errno("close", file_);
        }
    }

    void finish() override {
        const int fd = ::open(root_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (fd < 0) {
            fail_errno("open", root_);
        }
        const int result = ::syncfs(fd);
        ::close(fd);
        if (result != 0) {
            fail_errno("flush to disk", root_);
        }
        finished_ = true;
    }

  private:
    std::filesystem::path root_;
    std::filesystem::path file_;
    int fd_ = -1;
    std::int64_t modification_time_ = 0;
    bool finished_ = false;
};

class encrypted_sink : public export_sink {
  public:
    encrypted_sink(std::filesystem::path file, const crypto::secret_bytes& passphrase,
                   const crypto::argon2_params& params)
        : file_(std::move(file)), fd_(create_file(file_)) {
        try {
            writer_.emplace(passphrase, params);
            write_all(fd_, writer_->header().data(), writer_->header().size(), file_);
        } catch (...) {
            discard();
            throw;
        }
    }

    ~encrypted_sink() override {
        if (!finished_) {
            discard();
        }
    }

    void make_directory(std::string_view path) override {
        check_relative_path(path);
        record('D', path);
    }

    void begin_file(std::string_view path, std::int64_t modification_time) override {
        check_relative_path(path);
        std::string payload(8, '\0');
        for (std::size_t i = 0; i < 8; ++i) {
            payload[i] = static_cast<char>(static_cast<std::uint64_t>(modification_time) >> (8 * i));
        }
        payload += path;
        record('F', payload);
    }

    void write(std::string_view bytes) override {
        while (!bytes.empty()) {
            const std::size_t size = std::min(bytes.size(), max_data_record);
            record('C', bytes.substr(0, size));
            bytes.remove_prefix(size);
        }
    }

    void end_file() override { record('E', {}); }

    void finish() override {
        record('Z', {}, true);
        if (::fsync(fd_) != 0) {
            fail_errno("flush to disk", file_);
        }
        const int fd = fd_;
        fd_ = -1;
        if (::close(fd) != 0) {
            fail_errno("close", file_);
        }
        finished_ = true;
    }

  private:
    void record(char type, std::string_view payload, bool final = false) {
        std::vector<unsigned char> plaintext;
        plaintext.reserve(1 + payload.size());
        plaintext.push_back(static_cast<unsigned char>(type));
        plaintext.insert(plaintext.end(), payload.begin(), payload.end());
        const std::vector<unsigned char> frame = writer_->seal(plaintext, final);
        write_all(fd_, frame.data(), frame.size(), file_);
    }

    void discard() noexcept {
        if (fd_ >= 0) {
            ::close(fd_);
            fd_ = -1;
        }
        ::unlink(file_.c_str());
    }

    std::filesystem::path file_;
    int fd_ = -1;
    std::optional<crypto::passphrase_stream_writer> writer_;
    bool finished_ = false;
};

// Reads exactly size bytes; returns false at a clean end of file before the first byte.
bool read_exact(std::ifstream& input, unsigned char* data, std::size_t size) {
    input.read(reinterpret_cast<char*>(data), static_cast<std::streamsize>(size));
    const auto got = static_cast<std::size_t>(input.gcount());
    if (got == size) {
        return true;
    }
    if (got == 0 && input.eof()) {
        return false;
    }
    throw crypto::crypto_error(crypto::errc::authentication_failed,
                               "the encrypted export is truncated");
}

} // namespace

void check_relative_path(std::string_view path) {
    if (path.empty() || path.front() == '/') {
        throw std::runtime_error("an export path must be relative and not empty");
    }
    std::size_t start = 0;
    while (start <= path.size()) {
        const std::size_t end = std::min(path.find('/', start), path.size());
        const std::string_view level = path.substr(start, end - start);
        if (level.empty() || level == "." || level == ".." ||
            level.find('\0') != std::string_view::npos) {
            throw std::runtime_error("an export path has an empty, \".\" or \"..\" level");
        }
        start = end + 1;
    }
}

std::unique_ptr<export_sink> make_directory_sink(const std::filesystem::path& root) {
    return std::make_unique<directory_sink>(root);
}

std::unique_ptr<export_sink> make_encrypted_sink(const std::filesystem::path& file,
                                                 const crypto::secret_bytes& passphrase,
                                                 const crypto::argon2_params& params) {
    return std::make_unique<encrypted_sink>(file, passphrase, params);
}

void unpack_encrypted_export(const std::filesystem::path& file,
                             const crypto::secret_bytes& passphrase, export_sink& sink) {
    std::ifstream input(file, std::ios::binary);
    if (!input) {
        fail_errno("open", file);
    }
    std::array<unsigned char, crypto::passphrase_stream_header_size> header{};
    if (!read_exact(input, header.data(), header.size())) {
        throw crypto::crypto_error(crypto::errc::invalid_format, "the file is empty");
    }
    crypto::passphrase_stream_reader reader(header, passphrase);

    bool file_open = false;
    while (true) {
        std::array<unsigned char, 4> length{};
        if (!read_exact(input, length.data(), length.size())) {
            throw crypto::crypto_error(crypto::errc::authentication_failed,
                                       "the encrypted export is truncated");
        }
        std::vector<unsigned char> ciphertext(crypto::passphrase_stream_reader::frame_size(length));
        if (!read_exact(input, ciphertext.data(), ciphertext.size())) {
            throw crypto::crypto_error(crypto::errc::authentication_failed,
                                       "the encrypted export is truncated");
        }
        const auto message = reader.open(ciphertext);
        if (message.plaintext.empty()) {
            throw std::runtime_error("the encrypted export has an empty record");
        }
        const char type = static_cast<char>(message.plaintext.front());
        const std::string_view payload(reinterpret_cast<const char*>(message.plaintext.data()) + 1,
                                       message.plaintext.size() - 1);

        if (message.final != (type == 'Z')) {
            throw std::runtime_error("the encrypted export ends in the wrong place");
        }
        if (type == 'Z') {
            if (file_open || !payload.empty()) {
                throw std::runtime_error("the encrypted export ends inside a file");
            }
            break;
        }
        if (type == 'D' && !file_open) {
            sink.make_directory(payload);
        } else if (type == 'F' && !file_open && payload.size() > 8) {
            std::uint64_t mtime = 0;
            for (std::size_t i = 0; i < 8; ++i) {
                mtime |= std::uint64_t{static_cast<unsigned char>(payload[i])} << (8 * i);
            }
            sink.begin_file(payload.substr(8), static_cast<std::int64_t>(mtime));
            file_open = true;
        } else if (type == 'C' && file_open) {
            sink.write(payload);
        } else if (type == 'E' && file_open && payload.empty()) {
            sink.end_file();
            file_open = false;
        } else {
            throw std::runtime_error(
                fmt::format("the encrypted export has a misplaced or unknown record '{}'",
                            type >= 0x20 && type < 0x7f ? type : '?'));
        }
    }

    unsigned char extra = 0;
    if (read_exact(input, &extra, 1)) {
        throw std::runtime_error("the encrypted export has data after its end");
    }
    sink.finish();
}

} // namespace skrynka::archive
