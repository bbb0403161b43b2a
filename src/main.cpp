#include <cstdio>

int main() {
    std::puts("skrynka " SKRYNKA_VERSION);
    return 0;
}
