#pragma once

#include <SQLiteCpp/Database.h>

#include <boost/asio/associated_executor.hpp>
#include <boost/asio/execution/outstanding_work.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/prefer.hpp>

#include <exception>
#include <optional>
#include <type_traits>
#include <utility>

namespace relais::store {

/// A unit of database work queued to the writer thread or a reader thread. `run` happens on the database
/// thread; `finish` hands the outcome back to the caller's executor (never running the caller's code on the
/// database thread).
class job {
  public:
    virtual ~job() = default;
    /// Runs the work; records its result or its exception. Never throws.
    virtual void run(SQLite::Database& db) noexcept = 0;
    /// Overrides the outcome with a failure (e.g. the group commit itself failed).
    virtual void fail(std::exception_ptr e) noexcept = 0;
    virtual bool failed() const noexcept = 0;
    /// Posts the outcome to the caller. Called exactly once, after the commit.
    virtual void finish() = 0;
};

template <class R>
using job_result_t = std::conditional_t<std::is_void_v<R>, std::monostate, R>;

/// A job made of a callable `R f(SQLite::Database&)` and an Asio completion handler
/// `void(std::exception_ptr, std::optional<R>)`.
template <class F, class Handler>
class basic_job final : public job {
  public:
    using result_type = job_result_t<std::invoke_result_t<F&, SQLite::Database&>>;

    basic_job(F f, Handler h)
        : f_(std::move(f)),
          handler_(std::move(h)),
          work_(boost::asio::prefer(boost::asio::get_associated_executor(handler_),
                                    boost::asio::execution::outstanding_work.tracked)) {}

    void run(SQLite::Database& db) noexcept override {
        try {
            if constexpr (std::is_void_v<std::invoke_result_t<F&, SQLite::Database&>>) {
                f_(db);
                result_.emplace();
            } else {
                result_.emplace(f_(db));
            }
        } catch (...) {
            error_ = std::current_exception();
        }
    }

    void fail(std::exception_ptr e) noexcept override {
        error_ = std::move(e);
        result_.reset();
    }

    bool failed() const noexcept override { return error_ != nullptr; }

    void finish() override {
        auto work = std::move(work_);
        boost::asio::post(work, [h = std::move(handler_), e = error_, r = std::move(result_)]() mutable {
            std::move(h)(e, std::move(r));
        });
    }

  private:
    F f_;
    Handler handler_;
    std::optional<result_type> result_;
    std::exception_ptr error_;
    std::decay_t<decltype(boost::asio::prefer(std::declval<boost::asio::associated_executor_t<Handler>>(),
                                              boost::asio::execution::outstanding_work.tracked))>
        work_;
};

/// A job nobody waits for: `f(SQLite::Database&)` runs in the next group commit and its caller has already
/// moved on. A failure is counted by the writer (failed_jobs) and its writes undone like any job's.
template <class F>
class detached_job final : public job {
  public:
    explicit detached_job(F f) : f_(std::move(f)) {}

    void run(SQLite::Database& db) noexcept override {
        try {
            f_(db);
        } catch (...) {
            error_ = std::current_exception();
        }
    }
    void fail(std::exception_ptr e) noexcept override { error_ = std::move(e); }
    bool failed() const noexcept override { return error_ != nullptr; }
    void finish() override {}

  private:
    F f_;
    std::exception_ptr error_;
};

}  // namespace relais::store
