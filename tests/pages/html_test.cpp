// service/api/pages/html: values are escaped unless they are markup already.
#include "api/pages/html.hpp"

#include <doctest/doctest.h>

#include <stdexcept>

namespace html = relais::api::html;

TEST_CASE("html::format escapes every value and keeps markup as it is") {
    const std::string hostile = "<script>alert('x')</script> & \"quoted\"";
    auto m = html::format("<p title=\"{}\">{}</p>", hostile, hostile);
    CHECK(m.str() ==
          "<p title=\"&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;quoted&quot;\">"
          "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;quoted&quot;</p>");
    auto inner = html::format("<em>{}</em>", "a < b");
    CHECK(html::format("<p>{}</p>", inner).str() == "<p><em>a &lt; b</em></p>");
    CHECK(html::format("<p>{} {}</p>", std::string_view("x"), html::literal("<br>")).str() ==
          "<p>x <br></p>");
    CHECK(html::text("Le Gall & fils").str() == "Le Gall &amp; fils");
    CHECK(html::escape("'\"<>&") == "&#39;&quot;&lt;&gt;&amp;");
}

TEST_CASE("html::format refuses a pattern whose holes do not match the values") {
    CHECK_THROWS_AS(html::format("<p>{}</p>"), std::logic_error);
    CHECK_THROWS_AS(html::format("<p>{}</p>", "a", "b"), std::logic_error);
    CHECK(html::format("<p></p>").str() == "<p></p>");
}

TEST_CASE("markup composes; a form's heading can be demoted under another page's") {
    html::markup page = html::literal("<main>");
    page += html::format("<h1>{}</h1><p>{}</p>", "Titre", "texte");
    page = page + html::literal("</main>");
    CHECK(page.str() == "<main><h1>Titre</h1><p>texte</p></main>");
    CHECK(html::demote_first_h1(page).str() == "<main><h2>Titre</h2><p>texte</p></main>");
    CHECK(html::demote_first_h1(html::literal("<p>none</p>")).str() == "<p>none</p>");
    CHECK(html::markup{}.empty());
}
