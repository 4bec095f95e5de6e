// In-page navigation: views call navigate(); the entry module (app.js)
// registers the function that renders the current location.
let render = () => {};

export function onNavigate(renderPage) {
  render = renderPage;
}

export function navigate(path) {
  history.pushState({}, '', path);
  render();
}
