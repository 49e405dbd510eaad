#include "core/log_exceptions.hpp"

#include <spdlog/spdlog.h>

namespace relais::core {

void log_exceptions::operator()(std::exception_ptr error) const {
    if (error)
        spdlog::error("{} ended with an exception: {}", what_, describe(error));
}

std::string log_exceptions::describe(std::exception_ptr error) {
    if (!error)
        return "no exception";
    try {
        std::rethrow_exception(error);
    } catch (const std::exception& e) {
        return e.what();
    } catch (...) {
        return "an exception of an unknown type";
    }
}

}  // namespace relais::core
