#pragma once

#include <exception>
#include <string>
#include <string_view>

namespace relais::core {

/// Completion handler for `co_spawn` in place of `asio::detached`, which drops a coroutine's exception
/// without a word: a background loop (accepting, maintenance, retention) that died would go unnoticed.
/// This one logs the exception at error level, naming `what` the coroutine was. Nothing is logged when the
/// coroutine ended normally.
class log_exceptions {
  public:
    explicit log_exceptions(std::string_view what) : what_(what) {}

    void operator()(std::exception_ptr error) const;

    /// The exception's message (what()), or a word saying it was not a std::exception.
    static std::string describe(std::exception_ptr error);

    /// For a coroutine that returns a value (the value is dropped, as with `detached`).
    template <class T>
    void operator()(std::exception_ptr error, T&&) const {
        (*this)(error);
    }

  private:
    std::string what_;
};

}  // namespace relais::core
