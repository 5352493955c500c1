helm repo add --force-update port-labs https://port-labs.github.io/helm-charts
helm upgrade --install my-ocean-linearb-integration port-labs/port-ocean \
  --set port.clientId="YOUR_PORT_CLIENT_ID" \
  --set port.clientSecret="YOUR_PORT_CLIENT_SECRET" \
  --set port.baseUrl="https://api.getport.io" \
  --set initializePortResources=true \
  --set scheduledResyncInterval=120 \
  --set integration.identifier="my-ocean-linearb-integration" \
  --set integration.type="custom" \
  --set integration.eventListener.type="POLLING" \
  --set integration.config.baseUrl="https://public-api.linearb.io" \
  --set integration.config.authType="api_key" \
  --set integration.config.paginationType="none" \
  --set integration.secrets.apiKey="YOUR_LINEARB_API_TOKEN"
