// The one place that knows which backends are compiled into this build.
#include "harness/backend.hpp"

namespace ccb {

std::unique_ptr<Backend> make_openblas_backend();
std::unique_ptr<Backend> make_openmp_backend();

void register_builtin_backends(Registry& registry) {
  registry.add(make_openblas_backend());
  registry.add(make_openmp_backend());
}

}  // namespace ccb
