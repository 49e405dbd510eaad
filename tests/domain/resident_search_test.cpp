// Finding a resident again: the folding of names and addresses the search compares.
#include "domain/resident_search.hpp"

#include <doctest/doctest.h>

using relais::domain::fold_for_search;

TEST_CASE("fold_for_search: case, French accents and ligatures, apostrophes and hyphens, spaces") {
    CHECK(fold_for_search("Hélène") == "helene");
    CHECK(fold_for_search("HÉLÈNE") == "helene");
    CHECK(fold_for_search("Françoise Lœuillet") == "francoise loeuillet");
    CHECK(fold_for_search("Jean-Noël d'Aubigné") == "jean noel d aubigne");
    CHECK(fold_for_search("Jean\u2019Marc") == "jean marc");
    CHECK(fold_for_search("  Le   Bihan  ") == "le bihan");
    CHECK(fold_for_search("12, rue de l'Église") == "12 rue de l eglise");
    CHECK(fold_for_search("") == "");
    CHECK(fold_for_search("   ") == "");
    // Letters it does not fold stay as they are (no byte is lost or split).
    CHECK(fold_for_search("Łukasz") == "Łukasz");
    CHECK(fold_for_search("Ωmega") == "Ωmega");
    // A truncated UTF-8 sequence is kept byte for byte, never read past the end.
    CHECK(fold_for_search(std::string("ab\xC3", 3)) == std::string("ab\xC3", 3));
}
