# SQLCipher 4: the system library when it is 4.5 or newer, otherwise the amalgamation
# that scripts/bootstrap fetched into .deps/sqlcipher. Either way the target is
# skrynka::sqlcipher.

set(SKRYNKA_SQLCIPHER_DIR "${PROJECT_SOURCE_DIR}/.deps/sqlcipher"
  CACHE PATH "Folder with the SQLCipher amalgamation (sqlite3.c, sqlite3.h)")

pkg_check_modules(SYSTEM_SQLCIPHER IMPORTED_TARGET sqlcipher>=4.5)

if(SYSTEM_SQLCIPHER_FOUND)
  message(STATUS "SQLCipher: system library ${SYSTEM_SQLCIPHER_VERSION}")
  add_library(skrynka_sqlcipher INTERFACE)
  target_link_libraries(skrynka_sqlcipher INTERFACE PkgConfig::SYSTEM_SQLCIPHER)
  target_compile_definitions(skrynka_sqlcipher INTERFACE SKRYNKA_SYSTEM_SQLCIPHER=1)
elseif(EXISTS "${SKRYNKA_SQLCIPHER_DIR}/sqlite3.c")
  message(STATUS "SQLCipher: amalgamation in ${SKRYNKA_SQLCIPHER_DIR}")
  add_library(skrynka_sqlcipher STATIC "${SKRYNKA_SQLCIPHER_DIR}/sqlite3.c")
  # The settings SQLCipher's own builds use, with OpenSSL's libcrypto as the provider.
  # Secure delete is on by default; temporary tables stay in memory so no plaintext
  # temporary file is ever written.
  target_compile_definitions(skrynka_sqlcipher
    PUBLIC SQLITE_HAS_CODEC
    PRIVATE
      SQLCIPHER_CRYPTO_OPENSSL
      SQLITE_EXTRA_INIT=sqlcipher_extra_init
      SQLITE_EXTRA_SHUTDOWN=sqlcipher_extra_shutdown
      SQLITE_THREADSAFE=1
      SQLITE_TEMP_STORE=3
      SQLITE_SECURE_DELETE
      SQLITE_DEFAULT_WAL_SYNCHRONOUS=2
      SQLITE_ENABLE_FTS5
      SQLITE_OMIT_LOAD_EXTENSION
      SQLITE_DQS=0
      HAVE_USLEEP=1
      HAVE_STDINT_H=1
      _REENTRANT=1
      NDEBUG)
  target_compile_options(skrynka_sqlcipher PRIVATE -O2 -w)
  target_include_directories(skrynka_sqlcipher SYSTEM PUBLIC "${SKRYNKA_SQLCIPHER_DIR}")
  target_link_libraries(skrynka_sqlcipher PUBLIC OpenSSL::Crypto Threads::Threads ${CMAKE_DL_LIBS} m)
else()
  message(FATAL_ERROR
    "SQLCipher 4 not found: no system sqlcipher >= 4.5 and no amalgamation in "
    "${SKRYNKA_SQLCIPHER_DIR}. Run scripts/bootstrap first.")
endif()
add_library(skrynka::sqlcipher ALIAS skrynka_sqlcipher)
