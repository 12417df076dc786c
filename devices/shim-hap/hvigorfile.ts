// Project build script. Signing passwords never live in build-profile.json5: they come from the
// environment here. Without them every product builds unsigned (entry-default-unsigned.hap), to be
// signed with hap-sign-tool as README.md ("Sign") shows.
import { appTasks, OhosAppContext, OhosPluginId } from '@ohos/hvigor-ohos-plugin';
import { hvigor, HvigorNode } from '@ohos/hvigor';

const STORE_PASSWORD = 'OHOS_HIL_STORE_PASSWORD';
const KEY_PASSWORD = 'OHOS_HIL_KEY_PASSWORD';

hvigor.getRootNode().afterNodeEvaluate((node: HvigorNode) => {
  const appContext = node.getContext(OhosPluginId.OHOS_APP_PLUGIN) as OhosAppContext;
  const buildProfile = appContext.getBuildProfileOpt();
  const storePassword = process.env[STORE_PASSWORD];
  const keyPassword = process.env[KEY_PASSWORD];
  if (storePassword && keyPassword) {
    for (const signingConfig of buildProfile.app.signingConfigs) {
      signingConfig.material.storePassword = storePassword;
      signingConfig.material.keyPassword = keyPassword;
    }
  } else {
    for (const product of buildProfile.app.products) {
      delete product.signingConfig;
    }
    console.log(`ohos-hil: ${STORE_PASSWORD} and ${KEY_PASSWORD} are not both set: building unsigned HAPs`);
  }
  appContext.setBuildProfileOpt(buildProfile);
});

export default {
  system: appTasks, /* Built-in plugin of Hvigor. It cannot be modified. */
  plugins: []
};
