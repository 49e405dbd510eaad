#pragma once

#include <boost/asio/ssl/context.hpp>

#include <memory>
#include <string>

namespace relais::http {

/// The server's TLS context from a PEM certificate chain and a PEM private key: TLS 1.2 and 1.3 only,
/// OpenSSL's default (secure) cipher lists. Throws std::runtime_error naming the file that failed to load.
std::unique_ptr<boost::asio::ssl::context> make_tls_context(const std::string& cert_chain_file,
                                                           const std::string& private_key_file);

}  // namespace relais::http
