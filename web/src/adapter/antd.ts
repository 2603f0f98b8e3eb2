// Ant Design Vue in one place: global registration, theme tokens and the ConfigProvider
// settings every page shares. Pages use the components; only this file knows the setup.
import type { App } from 'vue';
import Antd, { type ConfigProviderProps } from 'ant-design-vue';
import 'ant-design-vue/dist/reset.css';

export function installAntd(app: App): void {
  app.use(Antd);
}

export const antdTheme: ConfigProviderProps['theme'] = {
  token: {
    colorPrimary: '#1677ff',
    borderRadius: 6,
    fontFamily:
      "-apple-system, BlinkMacSystemFont, 'Segoe UI', Roboto, 'PingFang SC', 'Hiragino Sans GB', 'Microsoft YaHei', 'Noto Sans CJK SC', 'Helvetica Neue', Arial, sans-serif",
  },
};
