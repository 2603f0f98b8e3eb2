/** Name of the layout route whose children are the console's pages (and the side menu). */
export const LAYOUT_ROUTE_NAME = 'layout';
