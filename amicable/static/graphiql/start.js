// Starts GraphiQL against this origin's /graphql. Kept in a file (not inline) so the
// page's Content-Security-Policy can forbid inline scripts.
(function () {
  "use strict";
  // A query to open with comes in the fragment (#query=...): a `query` parameter would
  // make GET /graphql execute it instead of serving this page.
  var params = new URLSearchParams(window.location.hash.slice(1));
  var endpoint = new URL("/graphql", window.location.href).href;
  var fetcher = GraphiQL.createFetcher({ url: endpoint });
  var root = ReactDOM.createRoot(document.getElementById("graphiql"));
  root.render(
    React.createElement(GraphiQL, {
      fetcher: fetcher,
      defaultQuery: "{\n  complaints(first: 5) {\n    totalCount\n    nodes { reference title }\n  }\n}\n",
      query: params.get("query") || undefined,
      shouldPersistHeaders: false,
    })
  );
})();
