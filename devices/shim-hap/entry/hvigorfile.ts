// Module build script: the requested permissions of each product's HAP. variants.json5 is the one
// list of shim variants (ohos_protocol/hap.py and the emulated device read it too); a product drops the
// permissions its variant lists under withoutPermissions from module.json5's requestPermissions.
import * as path from 'path';
import { hapTasks, OhosHapContext, OhosPluginId, Target } from '@ohos/hvigor-ohos-plugin';
import { FileUtil, getNode, HvigorNode } from '@ohos/hvigor';

interface Variant {
  product: string;
  withoutPermissions?: string[];
}

interface RequestedPermission {
  name: string;
}

getNode(__filename).afterNodeEvaluate((node: HvigorNode) => {
  const hapContext = node.getContext(OhosPluginId.OHOS_HAP_PLUGIN) as OhosHapContext;
  const variantsFile = path.resolve(node.getNodePath(), '..', 'variants.json5');
  const variants: Variant[] = FileUtil.readJson5(variantsFile).variants;
  hapContext.targets((target: Target) => {
    const product = target.getCurrentProduct().getProductName();
    const variant = variants.find((candidate: Variant) => candidate.product === product);
    if (variant === undefined) {
      throw new Error(`${variantsFile}: no variant for build product ${product}`);
    }
    const dropped = new Set<string>(variant.withoutPermissions ?? []);
    const moduleJson = hapContext.getModuleJsonOpt();
    const requested: RequestedPermission[] = moduleJson.module.requestPermissions ?? [];
    moduleJson.module.requestPermissions = requested.filter(
      (permission: RequestedPermission) => !dropped.has(permission.name));
    hapContext.setModuleJsonOpt(moduleJson);
    console.log(`ohos-hil: product ${product} requests ${moduleJson.module.requestPermissions.length} permissions`);
  });
});

export default {
  system: hapTasks, /* Built-in plugin of Hvigor. It cannot be modified. */
  plugins: []
};
