helm repo add --force-update port-labs https://port-labs.github.io/helm-charts
helm upgrade --install my-ocean-slack-integration port-labs/port-ocean \
  --set port.clientId="YOUR_PORT_CLIENT_ID" \
  --set port.clientSecret="YOUR_PORT_CLIENT_SECRET" \
  --set port.baseUrl="https://api.getport.io" \
  --set initializePortResources=true \
  --set scheduledResyncInterval=60 \
  --set integration.identifier="my-ocean-slack-integration" \
  --set integration.type="custom" \
  --set integration.eventListener.type="POLLING" \
  --set integration.config.baseUrl="https://slack.com/api" \
  --set integration.config.authType="bearer_token" \
  --set integration.config.apiToken="YOUR_SLACK_BOT_TOKEN" \
  --set integration.config.paginationType="cursor" \
  --set integration.config.paginationParam="cursor" \
  --set integration.config.cursorPath="response_metadata.next_cursor" \
  --set integration.config.hasMorePath="response_metadata.next_cursor"
