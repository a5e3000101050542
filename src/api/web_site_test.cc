// The web console's files beside the API: content types, cache headers,
// the single-page fallback, and nothing outside the directory.
#include "api/web_site.h"

#include <fstream>

#include "api/api_test_fixture.h"

namespace bg::api {
namespace {

class WebSiteTest : public ApiTest {
 protected:
  void SetUp() override {
    ApiTest::SetUp();
    web_ = dir_ / "dist";
    Write("index.html", "<!doctype html><title>baygrid 控制台</title>");
    Write("assets/index-3f9a1c.js", "console.log('算力券')");
    Write("assets/index-77b0e2.css", "body{}");
    Write("favicon.svg", "<svg/>");
    // A link out of the directory is not followed.
    Write("../secret.txt", "not for the web");
    fs::create_symlink(dir_ / "secret.txt", web_ / "secret.txt");
  }

  void Write(const std::string& name, const std::string& text) {
    fs::create_directories((web_ / name).parent_path());
    std::ofstream(web_ / name) << text;
  }

  static std::string HeaderOf(const HttpResponse& r, const std::string& name) {
    for (const auto& [key, value] : r.headers) {
      if (key == name) return value;
    }
    return "";
  }

  fs::path web_;
};

TEST_F(WebSiteTest, FilesPagesAndTheirCacheHeaders) {
  auto site = WebSite::Load(web_.string());
  ASSERT_TRUE(site.ok()) << site.status();
  EXPECT_EQ(site->files(), 4u);  // not the link

  const auto index = site->Answer("/");
  ASSERT_TRUE(index.has_value());
  EXPECT_EQ(index->content_type, "text/html; charset=utf-8");
  EXPECT_NE(index->body.find("控制台"), std::string::npos);
  EXPECT_EQ(HeaderOf(*index, "Cache-Control"), "no-cache");

  const auto js = site->Answer("/assets/index-3f9a1c.js");
  ASSERT_TRUE(js.has_value());
  EXPECT_EQ(js->content_type, "text/javascript; charset=utf-8");
  EXPECT_EQ(HeaderOf(*js, "Cache-Control"), "public, max-age=31536000, immutable");
  EXPECT_EQ(site->Answer("/assets/index-77b0e2.css")->content_type, "text/css; charset=utf-8");
  EXPECT_EQ(site->Answer("/favicon.svg")->content_type, "image/svg+xml");

  // A page of the console opened directly is index.html (its router shows
  // the page); a missing file is not HTML in its place.
  const auto page = site->Answer("/programmes/1/pacing");
  ASSERT_TRUE(page.has_value());
  EXPECT_EQ(page->body, index->body);
  EXPECT_FALSE(site->Answer("/assets/index-000000.js").has_value());
  EXPECT_FALSE(site->Answer("/secret.txt").has_value());
  EXPECT_FALSE(site->Answer("/../secret.txt").has_value());
  // The API's paths stay the API's.
  EXPECT_FALSE(site->Answer("/v1/nothing").has_value());
  EXPECT_FALSE(site->Answer("/healthz").has_value());
}

TEST_F(WebSiteTest, ADirectoryWithoutIndexHtmlIsRefusedWithWhatToDo) {
  const auto none = WebSite::Load((dir_ / "empty").string());
  ASSERT_FALSE(none.ok());
  EXPECT_NE(none.status().ToString().find("npm run build"), std::string::npos) << none.status();
}

TEST_F(WebSiteTest, TheServiceAnswersTheConsoleAndTheApiSideBySide) {
  auto site = WebSite::Load(web_.string());
  ASSERT_TRUE(site.ok()) << site.status();
  Service service(engine_.get(), &clock_, ServiceOptions{.web = &*site});
  auto get = [&](const std::string& path) {
    HttpRequest r;
    r.method = "GET";
    r.path = path;
    r.target = path;
    return service.Handle(r);
  };
  const HttpResponse page = get("/inbox");
  EXPECT_EQ(page.status, 200);
  EXPECT_EQ(page.content_type, "text/html; charset=utf-8");
  EXPECT_EQ(get("/healthz").status, 200);
  const HttpResponse unknown = get("/v1/nothing");
  EXPECT_EQ(unknown.status, 404);
  EXPECT_NE(unknown.body.find("unknown_route"), std::string::npos) << unknown.body;
  EXPECT_EQ(get("/assets/gone-123.js").status, 404);
  EXPECT_EQ(get("/v1/pools").status, 401);  // the API still asks for a token
}

}  // namespace
}  // namespace bg::api
