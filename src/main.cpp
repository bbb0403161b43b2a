// skrynka: one binary for the server and its administration commands.
#include "src/cli/run.hpp"

int main(int argc, char** argv) {
    return skrynka::app::cli::run(argc, argv);
}
