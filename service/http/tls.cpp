#include "http/tls.hpp"

#include <openssl/ssl.h>

#include <stdexcept>

namespace relais::http {

namespace ssl = boost::asio::ssl;

std::unique_ptr<ssl::context> make_tls_context(const std::string& cert_chain_file,
                                              const std::string& private_key_file) {
    auto ctx = std::make_unique<ssl::context>(ssl::context::tls_server);
    ctx->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 | ssl::context::no_sslv3 |
                     ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1 | ssl::context::single_dh_use);
    SSL_CTX_set_min_proto_version(ctx->native_handle(), TLS1_2_VERSION);
    boost::system::error_code ec;
    ctx->use_certificate_chain_file(cert_chain_file, ec);
    if (ec)
        throw std::runtime_error("cannot load the TLS certificate chain " + cert_chain_file + ": " + ec.message());
    ctx->use_private_key_file(private_key_file, ssl::context::pem, ec);
    if (ec)
        throw std::runtime_error("cannot load the TLS private key " + private_key_file + ": " + ec.message());
    if (SSL_CTX_check_private_key(ctx->native_handle()) != 1)
        throw std::runtime_error("the TLS private key does not match the certificate");
    return ctx;
}

}  // namespace relais::http
