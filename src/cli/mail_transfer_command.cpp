#include "src/cli/mail_transfer_command.hpp"

#include "src/cli/mail_transfer_actions.hpp"

#include <map>
#include <memory>

namespace skrynka::app::cli {

namespace {

const std::map<std::string, archive::export_format> format_names{
    {"mbox", archive::export_format::mbox}, {"maildir", archive::export_format::maildir}};

struct decrypt_arguments {
    std::string file;
    std::string output;
};

} // namespace

void add_mail_transfer_commands(CLI::App& app, const global_options& globals,
                                std::function<int()>& action) {
    auto exported = std::make_shared<export_request>();
    CLI::App* export_command = app.add_subcommand(
        "export", "Write an account's mail, decrypted, as mbox files or a Maildir (asks for "
                  "the account's password)");
    export_command->add_option("ADDRESS", exported->address, "Account address")->required();
    export_command->add_option("--format", exported->format, "mbox or maildir")
        ->required()
        ->transform(CLI::CheckedTransformer(format_names, CLI::ignore_case));
    export_command
        ->add_option("--output", exported->output,
                     "Directory to create (or file, with --encrypt); must not exist")
        ->required();
    export_command->add_flag("--encrypt", exported->encrypt,
                             "Write one file encrypted with a passphrase (asked twice)");
    export_command->callback([&globals, &action, exported] {
        action = [&globals, exported] { return export_account(globals, *exported); };
    });

    auto imported = std::make_shared<import_request>();
    CLI::App* import_command = app.add_subcommand(
        "import", "Seal and store the messages of an mbox file, a directory of mbox files or "
                  "a Maildir; running it again skips what is already imported");
    import_command->add_option("ADDRESS", imported->address, "Account address")->required();
    import_command->add_option("--format", imported->format, "mbox or maildir")
        ->required()
        ->transform(CLI::CheckedTransformer(format_names, CLI::ignore_case));
    import_command->add_option("PATH", imported->source, "What to import")->required();
    import_command->add_option("--mailbox", imported->mailbox,
                               "Put every message into this mailbox instead");
    import_command->callback([&globals, &action, imported] {
        action = [&globals, imported] { return import_account(globals, *imported); };
    });

    auto decrypt = std::make_shared<decrypt_arguments>();
    CLI::App* decrypt_command = app.add_subcommand(
        "decrypt-export", "Turn a file written by export --encrypt back into its directory");
    decrypt_command->add_option("FILE", decrypt->file, "The encrypted export")->required();
    decrypt_command->add_option("--output", decrypt->output, "Directory to create")->required();
    decrypt_command->callback([&action, decrypt] {
        action = [decrypt] { return decrypt_export(decrypt->file, decrypt->output); };
    });
}

} // namespace skrynka::app::cli
