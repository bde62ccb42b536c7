// Every page is a live socket view: render in the browser only.
export const ssr = false;
