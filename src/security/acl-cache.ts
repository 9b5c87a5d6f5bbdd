/**
 * The ACLs of the watched metadata image as an AclIndex, rebuilt only when they changed:
 * the image counts ACL changes (`aclsVersion`), and a resync replaces the image object,
 * so (image, version) names one set of bindings. Building costs one pass over the
 * bindings; a check then costs a few map lookups (acl.ts).
 *
 * Event-loop only: the index is swapped whole, never changed in place.
 */
import type { MetadataImage } from "../cluster/metadata-image.js";
import { AclIndex } from "./acl.js";

export function aclIndexOf(image: () => MetadataImage): () => AclIndex {
  let builtFrom: MetadataImage | null = null;
  let builtAt = -1;
  let index = new AclIndex([]);
  return () => {
    const current = image();
    if (current !== builtFrom || current.aclsVersion !== builtAt) {
      index = new AclIndex([...current.acls.values()].map((v) => v.value));
      builtFrom = current;
      builtAt = current.aclsVersion;
    }
    return index;
  };
}
