#pragma once
// The one result type: a value or the reason there is none. The error rule
// (ARCHITECTURE.md) says when a function returns a Result instead of throwing:
// an outcome the caller is expected to handle (a node that does not hold the
// VIP, a job id that does not exist, a ref that does not resolve) is a
// Result; a fault of the machinery (database gone, SSH transport broken) is an
// exception. The shape follows C++23's std::expected, so it can be swapped
// for it once the toolchain has it.

#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>
#include <variant>

namespace lbdeploy::common {

template <typename E>
struct Unexpected {
    E error;
};

// `return common::fail("why");` from a function returning Result<T>.
template <typename E>
Unexpected<std::decay_t<E>> fail(E&& error) {
    return {std::forward<E>(error)};
}
inline Unexpected<std::string> fail(const char* error) {
    return {std::string(error)};
}

template <typename T, typename E = std::string>
class [[nodiscard]] Result {
public:
    using value_type = T;
    using error_type = E;

    Result(T value) : state_(std::in_place_index<0>, std::move(value)) {}  // NOLINT: implicit like std::expected
    template <typename F>
    Result(Unexpected<F> failure) : state_(std::in_place_index<1>, std::move(failure.error)) {}  // NOLINT

    bool has_value() const noexcept { return state_.index() == 0; }
    explicit operator bool() const noexcept { return has_value(); }

    // Calling value() on a failure, or error() on a value, is a programming
    // error: it throws std::logic_error rather than reading the wrong member.
    T& value() & { return std::get<0>(checked(true)); }
    const T& value() const& { return std::get<0>(checked(true)); }
    T&& value() && { return std::get<0>(std::move(checked(true))); }
    const E& error() const& { return std::get<1>(checked(false)); }
    E&& error() && { return std::get<1>(std::move(checked(false))); }

    T& operator*() & { return value(); }
    const T& operator*() const& { return value(); }
    T* operator->() { return &value(); }
    const T* operator->() const { return &value(); }

private:
    std::variant<T, E>& checked(bool want_value) {
        if (has_value() != want_value) throw std::logic_error(want_value ? "Result holds an error" : "Result holds a value");
        return state_;
    }
    const std::variant<T, E>& checked(bool want_value) const {
        if (has_value() != want_value) throw std::logic_error(want_value ? "Result holds an error" : "Result holds a value");
        return state_;
    }

    std::variant<T, E> state_;
};

}  // namespace lbdeploy::common
