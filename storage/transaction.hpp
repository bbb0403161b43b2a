// An RAII write transaction on one database.
#pragma once

namespace skrynka::storage {

class database;

// Starts with BEGIN IMMEDIATE, so the write lock is taken up front and a busy database
// fails here rather than halfway through. Rolls back on destruction unless commit()
// succeeded. Transactions do not nest: starting one while another is open on the same
// database throws storage_error(internal).
//
// Not thread-safe; the database must outlive the transaction.
class transaction {
  public:
    explicit transaction(database& db);
    transaction(const transaction&) = delete;
    transaction& operator=(const transaction&) = delete;
    ~transaction();

    // Commits. With synchronous=FULL the changes are durable when this returns. Throws
    // storage_error (busy, io_error, disk_full, ...); the destructor then rolls back.
    void commit();

  private:
    database& db_;
    bool open_ = false;
};

} // namespace skrynka::storage
