#include "src/archive/import_source.hpp"

#include "src/archive/gmail_labels.hpp"
#include "src/archive/mailbox_export.hpp"
#include "src/archive/maildir_format.hpp"
#include "src/archive/mbox_reader.hpp"

#include <algorithm>
#include <chrono>
#include <fmt/format.h>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <sys/stat.h>
#include <vector>

namespace skrynka::archive {

namespace fs = std::filesystem;

namespace {

std::int64_t now_seconds() {
    return std::chrono::duration_cast<std::chrono::seconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

std::uint64_t size_of_file(const fs::path& path) {
    std::error_code error;
    const auto size = fs::file_size(path, error);
    return error ? 0 : static_cast<std::uint64_t>(size);
}

// One mbox file with the mailbox its messages go to by default.
struct mbox_file {
    fs::path path;
    std::string mailbox;
};

class mbox_source : public import_source {
  public:
    mbox_source(std::vector<mbox_file> files, std::optional<std::string> override_mailbox,
                bool use_gmail_labels, std::uint64_t max_message_size)
        : files_(std::move(files)), override_(std::move(override_mailbox)),
          use_gmail_labels_(use_gmail_labels), max_message_size_(max_message_size) {
        for (const auto& file : files_) {
            total_ += size_of_file(file.path);
        }
    }

    std::optional<import_message> next() override {
        while (true) {
            if (!reader_) {
                if (index_ == files_.size()) {
                    return std::nullopt;
                }
                input_ = std::ifstream(files_[index_].path, std::ios::binary);
                if (!input_) {
                    throw std::runtime_error(
                        fmt::format("failed to open {}", files_[index_].path.string()));
                }
                reader_.emplace(input_, max_message_size_);
            }
            // skipped_message passes through; the reader is then at the next message.
            std::optional<mbox_message> message = reader_->next();
            if (message) {
                return convert(*message, files_[index_].mailbox);
            }
            done_before_ += reader_->bytes_read();
            reader_.reset();
            ++index_;
        }
    }

    std::vector<std::string> mailboxes() const override {
        std::vector<std::string> names;
        if (use_gmail_labels_) {
            return names; // a single file: its mailboxes show only while reading it
        }
        for (const auto& file : files_) {
            names.push_back(override_.value_or(file.mailbox));
        }
        return names;
    }

    std::uint64_t bytes_done() const override {
        return done_before_ + (reader_ ? reader_->bytes_read() : 0);
    }
    std::uint64_t bytes_total() const override { return total_; }

  private:
    import_message convert(mbox_message& message, const std::string& default_mailbox) const {
        import_message result;
        const status_result status = read_status_headers(message.bytes);
        result.flags = status.flags;
        result.bytes = message.bytes.substr(status.prefix_size);
        result.mailbox = default_mailbox;
        if (use_gmail_labels_) {
            if (const auto labels = header_field(result.bytes, "X-Gmail-Labels")) {
                const gmail_placement placement = place_by_labels(split_labels(*labels));
                result.mailbox = placement.mailbox;
                result.flags.flags |= placement.flags;
            }
        }
        if (override_) {
            result.mailbox = *override_;
        }
        result.internal_date = parse_from_line_date(message.separator).value_or(now_seconds());
        return result;
    }

    std::vector<mbox_file> files_;
    std::optional<std::string> override_;
    bool use_gmail_labels_;
    std::uint64_t max_message_size_;
    std::uint64_t total_ = 0;
    std::uint64_t done_before_ = 0;
    std::size_t index_ = 0;
    std::ifstream input_;
    std::optional<mbox_reader> reader_;
};

// One message file of a Maildir folder.
struct maildir_file {
    fs::path path;
    std::string mailbox;
    std::string name;
    bool in_cur = false;
    std::size_t folder = 0; // index into the folder keyword tables
};

std::vector<std::string> sorted_file_names(const fs::path& directory) {
    std::vector<std::string> names;
    std::error_code error;
    for (const auto& entry : fs::directory_iterator(directory, error)) {
        if (entry.is_regular_file()) {
            names.push_back(entry.path().filename().string());
        }
    }
    std::sort(names.begin(), names.end());
    return names;
}

class maildir_source : public import_source {
  public:
    maildir_source(const fs::path& root, std::optional<std::string> override_mailbox,
                   std::uint64_t max_message_size)
        : override_(std::move(override_mailbox)), max_message_size_(max_message_size) {
        if (!fs::is_directory(root / "cur")) {
            throw std::runtime_error(
                fmt::format("{} is not a Maildir: it has no cur directory", root.string()));
        }
        std::vector<std::string> folders{""};
        for (const auto& entry : fs::directory_iterator(root)) {
            const std::string name = entry.path().filename().string();
            if (entry.is_directory() && name.size() > 1 && name.front() == '.' && name != "..") {
                folders.push_back(name);
            }
        }
        std::sort(folders.begin(), folders.end());

        for (const auto& folder : folders) {
            const auto mailbox = mailbox_of_folder(folder);
            if (!mailbox) {
                throw std::runtime_error(
                    fmt::format("{} is not a valid Maildir++ folder name", folder));
            }
            folder_mailboxes_.push_back(*mailbox);
            const fs::path directory = folder.empty() ? root : root / folder;
            keyword_tables_.push_back(read_keywords(directory / "dovecot-keywords"));
            for (const bool cur : {false, true}) {
                const fs::path sub = directory / (cur ? "cur" : "new");
                for (const auto& name : sorted_file_names(sub)) {
                    files_.push_back({sub / name, *mailbox, name, cur, keyword_tables_.size() - 1});
                    total_ += size_of_file(sub / name);
                }
            }
        }
    }

    std::optional<import_message> next() override {
        if (index_ == files_.size()) {
            return std::nullopt;
        }
        const maildir_file& file = files_[index_++];
        const std::uint64_t size = size_of_file(file.path);
        done_ += size;
        if (size > max_message_size_) {
            throw skipped_message(file.path.string(), size);
        }

        import_message message;
        std::ifstream input(file.path, std::ios::binary);
        if (!input) {
            throw std::runtime_error(fmt::format("failed to open {}", file.path.string()));
        }
        message.bytes.assign(std::istreambuf_iterator<char>(input), {});
        message.mailbox = override_.value_or(file.mailbox);
        if (file.in_cur) {
            message.flags = flags_of_file_name(file.name, keyword_tables_[file.folder]);
        }
        struct stat status {};
        message.internal_date = ::stat(file.path.c_str(), &status) == 0
                                    ? static_cast<std::int64_t>(status.st_mtime)
                                    : now_seconds();
        return message;
    }

    std::vector<std::string> mailboxes() const override {
        if (override_) {
            return {*override_};
        }
        return folder_mailboxes_;
    }

    std::uint64_t bytes_done() const override { return done_; }
    std::uint64_t bytes_total() const override { return total_; }

  private:
    static keyword_letters read_keywords(const fs::path& path) {
        std::ifstream input(path, std::ios::binary);
        if (!input) {
            return {};
        }
        const std::string contents{std::istreambuf_iterator<char>(input), {}};
        return keyword_letters::parse(contents);
    }

    std::optional<std::string> override_;
    std::uint64_t max_message_size_;
    std::vector<std::string> folder_mailboxes_;
    std::vector<keyword_letters> keyword_tables_;
    std::vector<maildir_file> files_;
    std::size_t index_ = 0;
    std::uint64_t total_ = 0;
    std::uint64_t done_ = 0;
};

} // namespace

std::unique_ptr<import_source> open_mbox_source(const fs::path& path,
                                                const std::optional<std::string>& mailbox,
                                                std::uint64_t max_message_size) {
    if (fs::is_regular_file(path)) {
        return std::make_unique<mbox_source>(std::vector<mbox_file>{{path, "INBOX"}}, mailbox,
                                             true, max_message_size);
    }
    if (!fs::is_directory(path)) {
        throw std::runtime_error(
            fmt::format("{} is neither an mbox file nor a directory of mbox files", path.string()));
    }

    std::vector<mbox_file> files;
    for (const auto& entry : fs::recursive_directory_iterator(path)) {
        if (!entry.is_regular_file()) {
            continue;
        }
        const std::string relative = entry.path().lexically_relative(path).generic_string();
        if (const auto name = mailbox_of_mbox_path(relative)) {
            files.push_back({entry.path(), *name});
        }
    }
    std::sort(files.begin(), files.end(),
              [](const mbox_file& a, const mbox_file& b) { return a.mailbox < b.mailbox; });
    return std::make_unique<mbox_source>(std::move(files), mailbox, false, max_message_size);
}

std::unique_ptr<import_source> open_maildir_source(const fs::path& path,
                                                   const std::optional<std::string>& mailbox,
                                                   std::uint64_t max_message_size) {
    return std::make_unique<maildir_source>(path, mailbox, max_message_size);
}

} // namespace skrynka::archive
