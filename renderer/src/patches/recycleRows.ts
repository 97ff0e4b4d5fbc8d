import { createContext } from 'react';

/**
 * Whether the virtual tables below may key their rows by slot (see virtualListChildren.ts): a row scrolled in
 * then takes over the components of a row scrolled out instead of mounting its own. Only for tables whose
 * cells keep no state of their own: an open Popconfirm or a component remembering its row would stay on
 * the slot and serve the next record. `PageTable`'s `recycleRows` sets it.
 */
export const RecycleRowsContext = createContext(false);
