// sopbook: "Print this form" on a checklist's page prints that page, which
// prints as the form alone (see sopbook.css), not the whole manual.
document.addEventListener("click", function (event) {
  if (event.target.closest && event.target.closest(".sopbook-print-form")) {
    window.print();
  }
});
