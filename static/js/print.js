// The print view's Print button (no inline scripts: CSP). Without JavaScript, the browser's own Print works.
document.addEventListener("click", (event) => {
  if (event.target.closest("[data-print]")) {
    window.print();
  }
});
