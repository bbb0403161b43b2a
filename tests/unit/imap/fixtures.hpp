// Byte-exact test messages shared by the IMAP tests. Every line ends in CR LF.
#pragma once

#include <string>

namespace skrynka::imap::test {

// 26 octets.
inline const std::string fx_p = "Subject: p\r\n\r\n0123456789\r\n";

// 153 octets.
inline const std::string fx_append = "From: alice@example.org\r\n"
                                     "To: alice@example.org\r\n"
                                     "Subject: append test\r\n"
                                     "Date: Mon, 7 Feb 1994 21:52:25 -0800\r\n"
                                     "Message-ID: <append-1@example.org>\r\n"
                                     "\r\n"
                                     "hello\r\n";

// 459 octets: a text part and a message/rfc822 part holding a multipart/alternative.
inline const std::string fx_nested = "From: alice@example.org\r\n"
                                     "To: alice@example.org\r\n"
                                     "Subject: outer\r\n"
                                     "MIME-Version: 1.0\r\n"
                                     "Content-Type: multipart/mixed; boundary=\"o\"\r\n"
                                     "\r\n"
                                     "--o\r\n"
                                     "Content-Type: text/plain\r\n"
                                     "\r\n"
                                     "see attached\r\n"
                                     "--o\r\n"
                                     "Content-Type: message/rfc822\r\n"
                                     "Content-Disposition: attachment\r\n"
                                     "\r\n"
                                     "From: bob@example.net\r\n"
                                     "Subject: inner\r\n"
                                     "MIME-Version: 1.0\r\n"
                                     "Content-Type: multipart/alternative; boundary=\"i\"\r\n"
                                     "\r\n"
                                     "--i\r\n"
                                     "Content-Type: text/plain\r\n"
                                     "\r\n"
                                     "plain\r\n"
                                     "--i\r\n"
                                     "Content-Type: text/html\r\n"
                                     "\r\n"
                                     "<p>html</p>\r\n"
                                     "--i--\r\n"
                                     "\r\n"
                                     "--o--\r\n";

// 183 octets: an encoded subject and a quoted-printable UTF-8 body.
inline const std::string fx_search = "From: bob@example.net\r\n"
                                     "Subject: =?UTF-8?Q?Gr=C3=B6=C3=9Fe?=\r\n"
                                     "MIME-Version: 1.0\r\n"
                                     "Content-Type: text/plain; charset=utf-8\r\n"
                                     "Content-Transfer-Encoding: quoted-printable\r\n"
                                     "\r\n"
                                     "Stra=C3=9Fe 1\r\n";

// 103 octets: a multipart without any part.
inline const std::string fx_empty_multipart =
    "Subject: empty\r\nMIME-Version: 1.0\r\nContent-Type: multipart/alternative; "
    "boundary=\"z\"\r\n\r\nno parts here\r\n";

} // namespace skrynka::imap::test
